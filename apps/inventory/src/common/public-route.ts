import { SetMetadata } from '@nestjs/common';

export const PUBLIC_ROUTE = 'cloud-inventory:public-route';

/**
 * An HTTP controller (or route) that answers without a token: health, the console's static files,
 * metrics. Every other route needs one (auth/auth.guard.ts refuses routes it cannot place).
 */
export const PublicRoute = () => SetMetadata(PUBLIC_ROUTE, true);
