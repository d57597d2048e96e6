/** Pages in flight (`--concurrency`) and page size (`--batch-size`) of both sides; PUTs per page: the s3 default. */
export const MIGRATE_SETTINGS = { pages: 4, pageSize: 500, puts: 16 } as const;
