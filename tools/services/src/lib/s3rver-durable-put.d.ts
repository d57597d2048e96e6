/** The parts of s3rver's FilesystemStore (untyped upstream) that the patch and its test use. */
export interface FilesystemStore {
  getResourcePath(bucket: string, key?: string, resource?: string): string;
  putBucket(bucket: string): Promise<unknown>;
  putObject(object: unknown): Promise<{ size: number; md5: string }>;
  putMetadata(bucket: string, key: string, metadata: unknown, md5: string): Promise<void>;
}
export type FilesystemStoreClass = new (rootDirectory: string) => FilesystemStore;
/** s3rver's FilesystemStore class (the one its server instantiates). */
export function filesystemStoreClass(): FilesystemStoreClass;
/** Replaces s3rver's putObject so a PUT is answered only after the object's file is written. Idempotent. */
export function useDurablePuts(FilesystemStore?: FilesystemStoreClass): FilesystemStoreClass;
