import { describe, expect, it } from 'vitest';
import { databaseUrlPassword, redactDatabaseUrl } from '../../src/store/redact-database-url.ts';

describe('redactDatabaseUrl', () => {
  it('masks the password and keeps user, host, port and database', () => {
    expect(redactDatabaseUrl('postgres://app:p%40ss@db.internal:6543/sales?sslmode=require')).toBe(
      'postgres://app:[REDACTED]@db.internal:6543/sales?sslmode=require',
    );
  });

  it('masks a password given as a parameter', () => {
    expect(redactDatabaseUrl('postgresql://db/sales?user=app&password=hunter22')).toBe(
      'postgresql://db/sales?user=app&password=[REDACTED]',
    );
  });

  it('leaves a URL without a password as it is', () => {
    expect(redactDatabaseUrl('postgres://postgres@127.0.0.1:5432/test')).toBe(
      'postgres://postgres@127.0.0.1:5432/test',
    );
  });

  it('masks key=value connection strings too', () => {
    expect(redactDatabaseUrl('host=db user=app password=hunter22 dbname=sales')).toBe(
      'host=db user=app password=[REDACTED] dbname=sales',
    );
  });
});

describe('databaseUrlPassword', () => {
  it('finds the decoded password wherever it is given', () => {
    expect(databaseUrlPassword('postgres://app:p%40ss@db/sales')).toBe('p@ss');
    expect(databaseUrlPassword('postgres://db/sales?password=hunter22')).toBe('hunter22');
    expect(databaseUrlPassword('postgres://app@db/sales')).toBeUndefined();
  });
});

describe('redactDatabaseUrl on URLs that do not parse', () => {
  it('masks everything between the user and the last @', () => {
    expect(redactDatabaseUrl('postgres://u:pa ss@w@@db/x')).toBe('postgres://u:[REDACTED]@db/x');
    expect(databaseUrlPassword('postgres://u:pa ss@w@@db/x')).toBe('pa ss@w@');
  });

  it('masks a quoted key=value password', () => {
    expect(redactDatabaseUrl("host=db password='a b c' dbname=x")).toBe(
      'host=db password=[REDACTED] dbname=x',
    );
    expect(databaseUrlPassword("host=db password='a b c' dbname=x")).toBe('a b c');
  });
});
