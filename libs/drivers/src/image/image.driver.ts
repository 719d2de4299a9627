export interface Image {
  id: string;
  name: string;
  status: string;
  minDisk: number;
  minRam: number;
}

/** Glance v2. */
export interface ImageDriver {
  /** By id, else by exact name; null when neither matches. Several images of one name: the first. */
  findImage(nameOrId: string, signal?: AbortSignal): Promise<Image | null>;
}
