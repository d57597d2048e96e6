/**
 * The speed target of each codec row, as a minimum ours/Python ratio (issue #12), by operation id. The report
 * prints it with a met / NOT MET status; rows without a target show "-".
 */
export const TARGETS: Readonly<Record<string, number>> = {
  encode: 2,
  decode: 2.5,
  lossless: 1.5,
  zlib_compress: 1,
  zlib_decompress: 1,
  django_compress: 1,
  django_decompress: 1,
  zstd_compress: 1,
  zstd_decompress: 1,
};
