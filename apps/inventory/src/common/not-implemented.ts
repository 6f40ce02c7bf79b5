import { AppError, ErrorCode } from '@cloud-inventory/grpc';

/** For an RPC of the contract that this version does not serve yet: UNIMPLEMENTED, said plainly. */
export function notImplemented(rpc: string): never {
  throw new AppError(ErrorCode.UNIMPLEMENTED, `${rpc} is not implemented yet.`);
}
