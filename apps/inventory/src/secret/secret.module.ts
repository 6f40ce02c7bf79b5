import { Module } from '@nestjs/common';
import { SecretRepository } from './secret.repository';
import { SecretService } from './secret.service';
import { SecretGrpcController } from './secret.grpc-controller';
import { SecretHttpController } from './secret.http-controller';

@Module({
  controllers: [SecretGrpcController, SecretHttpController],
  providers: [SecretRepository, SecretService],
  exports: [SecretService, SecretRepository],
})
export class SecretModule {}
