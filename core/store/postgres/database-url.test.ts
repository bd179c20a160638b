import { describe, expect, it } from 'vitest';
import { DEFAULT_POOL_SIZE, databaseTarget, isPostgresUrl } from './database-url.ts';

describe('LIENTHONG_DATABASE_URL', () => {
  it('names PostgreSQL by its scheme', () => {
    expect(isPostgresUrl('postgres://gw@db.internal:5432/lienthong')).toBe(true);
    expect(isPostgresUrl('postgresql://gw@db.internal/lienthong')).toBe(true);
    expect(isPostgresUrl('./data/lienthong.db')).toBe(false);
    expect(isPostgresUrl(undefined)).toBe(false);
  });

  it('takes the pool size from the URL, else LIENTHONG_DATABASE_POOL_SIZE, else the default', () => {
    expect(databaseTarget('postgres://gw@db/lienthong').poolSize).toBe(DEFAULT_POOL_SIZE);
    expect(databaseTarget('postgres://gw@db/lienthong', { LIENTHONG_DATABASE_POOL_SIZE: '25' }).poolSize).toBe(25);
    const fromUrl = databaseTarget('postgres://gw@db/lienthong?pool_size=4&sslmode=require', { LIENTHONG_DATABASE_POOL_SIZE: '25' });
    expect(fromUrl.poolSize).toBe(4);
    // Our own parameter is not passed on to the driver; the others are.
    expect(fromUrl.connectionString).toBe('postgres://gw@db/lienthong?sslmode=require');
  });

  it('refuses a pool size that is not a whole number from 2 to 1000, naming where it came from', () => {
    expect(() => databaseTarget('postgres://gw@db/lienthong', { LIENTHONG_DATABASE_POOL_SIZE: 'many' })).toThrow(/LIENTHONG_DATABASE_POOL_SIZE must be a whole number .* not 'many'/);
    expect(() => databaseTarget('postgres://gw@db/lienthong?pool_size=1')).toThrow(/pool_size parameter of LIENTHONG_DATABASE_URL/);
  });

  it('never shows the password', () => {
    const target = databaseTarget('postgres://gw:s3cret-pw@db.internal:5432/lienthong');
    expect(target.display).toBe('postgres://gw:***@db.internal:5432/lienthong');
    expect(target.connectionString).toContain('s3cret-pw');
  });
});
