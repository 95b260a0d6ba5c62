import { describe, expect, it } from 'vitest';
import { describeAdapter, type GpuInfo } from './device';

function info(overrides: Partial<GpuInfo>): GpuInfo {
  return {
    vendor: 'google',
    architecture: 'swiftshader',
    description: '',
    isFallbackAdapter: false,
    features: new Set(),
    limits: {
      maxBufferSize: 0,
      maxStorageBufferBindingSize: 0,
      maxUniformBufferBindingSize: 0,
      maxComputeWorkgroupStorageSize: 0,
      maxComputeInvocationsPerWorkgroup: 0,
      maxComputeWorkgroupSizeX: 0,
      maxComputeWorkgroupSizeY: 0,
      maxComputeWorkgroupsPerDimension: 0,
      maxStorageBuffersPerShaderStage: 0,
      minSubgroupSize: 0,
      maxSubgroupSize: 0,
    },
    ...overrides,
  };
}

describe('describeAdapter', () => {
  it('names vendor and architecture', () => {
    expect(describeAdapter(info({}))).toBe('google / swiftshader');
  });
  it('marks a software adapter', () => {
    expect(describeAdapter(info({ isFallbackAdapter: true }))).toBe(
      'google / swiftshader (software adapter)',
    );
  });
});
