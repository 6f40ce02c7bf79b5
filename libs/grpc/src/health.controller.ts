import { Controller, Injectable } from '@nestjs/common';
import { Observable } from 'rxjs';
import { health } from '@cloud-inventory/proto';

type ServingStatus = health.HealthCheckResponse_ServingStatus;
const { SERVING, NOT_SERVING, SERVICE_UNKNOWN } = health.HealthCheckResponse_ServingStatus;

/** What the process reports to grpc.health.v1 probes; flipped to NOT_SERVING while shutting down. */
@Injectable()
export class HealthState {
  private serving = true;
  private readonly services = new Set<string>(['']);

  register(...serviceNames: string[]): void {
    for (const name of serviceNames) this.services.add(name);
  }

  setServing(serving: boolean): void {
    this.serving = serving;
  }

  statusOf(service: string): ServingStatus {
    if (!this.services.has(service)) return SERVICE_UNKNOWN;
    return this.serving ? SERVING : NOT_SERVING;
  }
}

/** grpc.health.v1.Health: Check answers at once; Watch sends the current status and stays open. */
@Controller()
@health.HealthControllerMethods()
export class HealthController implements health.HealthController {
  constructor(private readonly state: HealthState) {}

  check(request: health.HealthCheckRequest): health.HealthCheckResponse {
    return { status: this.state.statusOf(request.service ?? '') };
  }

  watch(request: health.HealthCheckRequest): Observable<health.HealthCheckResponse> {
    return new Observable((subscriber) => {
      subscriber.next({ status: this.state.statusOf(request.service ?? '') });
    });
  }
}
