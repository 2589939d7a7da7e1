export interface ZipEntry {
  name: string;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}
export declare function listZip(file: string): Promise<ZipEntry[]>;
export declare function extractZipEntries(
  file: string,
  entries: ZipEntry[],
  target: (name: string) => string,
  onBytes?: (n: number) => void,
): Promise<void>;
export declare function crc32(chunk: Uint8Array, previous?: number): number;
