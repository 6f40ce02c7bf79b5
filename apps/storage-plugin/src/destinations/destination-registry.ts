import { AppError } from '@cloud-inventory/grpc';
import { JsonObject } from '@cloud-inventory/wire';
import { StorageDestination } from './storage-destination';

/** The destinations this process offers, by name, and the one used when options name none. */
export class DestinationRegistry {
  private readonly byName = new Map<string, StorageDestination>();

  constructor(
    destinations: StorageDestination[],
    readonly defaultName: string,
  ) {
    for (const destination of destinations) this.byName.set(destination.name, destination);
    if (!this.byName.has(defaultName)) {
      throw new Error(
        `Invalid configuration:\n  STORAGE_DEFAULT_DESTINATION: '${defaultName}' is not a known destination (${this.names.join(', ')})`,
      );
    }
  }

  get names(): string[] {
    return [...this.byName.keys()];
  }

  all(): StorageDestination[] {
    return [...this.byName.values()];
  }

  /** The destination named by options.destination, or the default one. */
  resolve(options: JsonObject): StorageDestination {
    const requested = options['destination'];
    if (requested === undefined || requested === null || requested === '') return this.byName.get(this.defaultName)!;
    const found = typeof requested === 'string' ? this.byName.get(requested) : undefined;
    if (!found) {
      throw AppError.invalid(
        `options.destination ${JSON.stringify(requested)} is not known; known destinations: ${this.names.join(', ')}.`,
      );
    }
    return found;
  }
}
