import { useEffect, useState } from 'react';
import { useStore } from 'zustand';
import { detectBackend, onGpuFault, type ComputeBackend } from '../app/engine/gpuStatus';
import type { RunResult } from '../app/engine/types';
import { playground } from '../app/state/store';

/** A GPU fault the page has been told about, and the result on screen when it came. */
interface ShownFault {
  message: string;
  resultBefore: RunResult | null;
}

/**
 * Says which GPU adapter the page got, or that it computes on the CPU instead; and, when the GPU
 * device is lost or reports an error no run captured, says so until a later run succeeds (on the
 * fresh device the engine asks for).
 */
export function AdapterStatus() {
  const [backend, setBackend] = useState<ComputeBackend | null>(null);
  const [fault, setFault] = useState<ShownFault | null>(null);
  const status = useStore(playground, (s) => s.status);
  const result = useStore(playground, (s) => s.result);
  useEffect(() => {
    let live = true;
    void detectBackend().then((b) => {
      if (live) setBackend(b);
    });
    const unsubscribe = onGpuFault((f) => {
      if (!live) return;
      setFault({ message: f.message, resultBefore: playground.getState().result });
      // Names the adapter of the fresh device (or the CPU, if the GPU is gone for good).
      void detectBackend().then((b) => {
        if (live) setBackend(b);
      });
    });
    return () => {
      live = false;
      unsubscribe();
    };
  }, []);

  // Every successful run stores a new result object: a different one means a run has succeeded
  // since the fault.
  const recovered = fault !== null && status === 'done' && result !== fault.resultBefore;
  const faultNotice = fault && !recovered && (
    <p className="adapter notice error-text" role="alert" data-testid="gpu-fault">
      {fault.message}
    </p>
  );

  if (!backend) {
    return (
      <p className="adapter" data-testid="adapter" data-backend="pending">
        Looking for a WebGPU adapter…
      </p>
    );
  }
  if (backend.kind === 'gpu') {
    return (
      <>
        <p className="adapter" data-testid="adapter" data-backend="gpu">
          GPU: <strong>{backend.adapter}</strong>
        </p>
        {faultNotice}
      </>
    );
  }
  return (
    <>
      <p className="adapter notice" role="status" data-testid="adapter" data-backend="cpu">
        No WebGPU here, so flexmask computes on the CPU engine (same results). {backend.reason}
      </p>
      {faultNotice}
    </>
  );
}
