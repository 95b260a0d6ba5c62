import { useEffect, useState } from 'react';
import { detectBackend, type ComputeBackend } from '../app/engine/gpuStatus';

/** Says which GPU adapter the page got, or that it computes on the CPU instead. */
export function AdapterStatus() {
  const [backend, setBackend] = useState<ComputeBackend | null>(null);
  useEffect(() => {
    let live = true;
    void detectBackend().then((b) => {
      if (live) setBackend(b);
    });
    return () => {
      live = false;
    };
  }, []);

  if (!backend) {
    return (
      <p className="adapter" data-testid="adapter" data-backend="pending">
        Looking for a WebGPU adapter…
      </p>
    );
  }
  if (backend.kind === 'gpu') {
    return (
      <p className="adapter" data-testid="adapter" data-backend="gpu">
        GPU: <strong>{backend.adapter}</strong>
      </p>
    );
  }
  return (
    <p className="adapter notice" role="status" data-testid="adapter" data-backend="cpu">
      No WebGPU here, so flexmask computes on the CPU (slower, same results). {backend.reason}
    </p>
  );
}
