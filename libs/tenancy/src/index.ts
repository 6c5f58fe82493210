export * from './tenant-context';
export * from './rls-sql';
export * from './tenant-transaction';
