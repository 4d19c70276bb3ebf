import { describe, expect, it } from 'vitest';
import { coveringWildcard, wildcardCovers } from '../src/core/wildcards.js';

describe('wildcardCovers', () => {
  it('covers hosts one or more labels below the domain', () => {
    expect(wildcardCovers('*.srv.ygles.com', 'rgt.srv.ygles.com')).toBe(true);
    expect(wildcardCovers('*.amazonaws.com', 'kinesis.eu-central-1.amazonaws.com')).toBe(true);
    expect(wildcardCovers('*.srv.ygles.com', 'RGT.SRV.YGLES.COM.')).toBe(true);
  });

  it('does not cover the bare domain or a name that merely ends with the same text', () => {
    expect(wildcardCovers('*.srv.ygles.com', 'srv.ygles.com')).toBe(false);
    expect(wildcardCovers('*.srv.ygles.com', 'xsrv.ygles.com')).toBe(false);
    expect(wildcardCovers('*.amazonaws.com', 'evil-amazonaws.com')).toBe(false);
    expect(wildcardCovers('srv.ygles.com', 'rgt.srv.ygles.com')).toBe(false);
  });

  it('finds the covering pattern or null', () => {
    const patterns = ['*.srv.ygles.com', '*.ugwdevice.net'];
    expect(coveringWildcard(patterns, 'a01.ugwdevice.net')).toBe('*.ugwdevice.net');
    expect(coveringWildcard(patterns, 'gdlp01.c-wss.com')).toBeNull();
  });
});
