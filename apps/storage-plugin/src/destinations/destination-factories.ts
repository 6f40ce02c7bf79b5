import { fileDestinationFactory } from './file/file.destination';
import { StorageDestinationFactory } from './storage-destination';

/** Every destination this plugin ships; a new destination is a new folder plus one line here. */
export const DESTINATION_FACTORIES: StorageDestinationFactory[] = [fileDestinationFactory];
