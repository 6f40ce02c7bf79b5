import { z } from 'zod';
import { envAddress, envBool, envInt, parseConfig } from './parse-config';

const schema = z.object({
  LISTEN: envAddress('0.0.0.0:50051'),
  WORKERS: envInt(4, 1, 64),
  ENABLED: envBool(true),
});

describe('parseConfig', () => {
  it('applies defaults and converts types', () => {
    expect(parseConfig(schema, {})).toEqual({ LISTEN: '0.0.0.0:50051', WORKERS: 4, ENABLED: true });
    expect(parseConfig(schema, { WORKERS: '16', ENABLED: 'no', LISTEN: 'db:5432' })).toEqual({ LISTEN: 'db:5432', WORKERS: 16, ENABLED: false });
  });

  it('fails with one message naming every wrong variable', () => {
    let message = '';
    try {
      parseConfig(schema, { LISTEN: 'nowhere', WORKERS: '0', ENABLED: 'maybe' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/^Invalid configuration:/);
    for (const name of ['LISTEN: expected host:port', 'WORKERS', 'ENABLED']) expect(message).toContain(name);
  });
});
