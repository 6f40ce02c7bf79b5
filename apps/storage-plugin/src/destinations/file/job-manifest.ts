/** `_manifest.json` of a job folder: its presence is what says the folder is complete. */
export interface JobManifest {
  job_id: string;
  collector_id: string | null;
  domain_id: string | null;
  /** As the job_finished message gave it (e.g. SUCCESS, FAILURE, CANCELED), or null. */
  status: string | null;
  data_format: 'ndjson';
  files: JobManifestFile[];
  finished_at: string;
}

export interface JobManifestFile {
  resource_type: string;
  /** File name inside the job folder: `<resource_type>.ndjson`. */
  file: string;
  lines: number;
  bytes: number;
}

export const MANIFEST_FILE = '_manifest.json';
export const FINAL_SUFFIX = '.ndjson';
export const PARTIAL_SUFFIX = '.ndjson.partial';
