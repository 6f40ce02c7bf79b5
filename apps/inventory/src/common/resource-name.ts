import { AppError } from '@cloud-inventory/grpc';

const MAX_NAME_LENGTH = 255;

/** A resource's name from a request: required on create, optional on update, at most 255 characters. */
export function checkName(name: string | undefined, required: boolean): string | undefined {
  if (!name) {
    if (required) throw AppError.required('name');
    return undefined;
  }
  if (name.length > MAX_NAME_LENGTH) throw AppError.invalid(`name must be at most ${MAX_NAME_LENGTH} characters.`);
  return name;
}
