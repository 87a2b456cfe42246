import { createParamDecorator, Injectable, SetMetadata, UnauthorizedException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { apiLocale, deviceMessage } from './device-messages.js';
import { bearerToken, DEVICE_KINDS, DeviceService } from './device.service.js';
import type { DeviceIdentity, DeviceKind } from './device.types.js';

const DEVICE_KINDS_KEY = 'amtszeit:device-kinds';

/** The kinds of device a route answers (default: any paired device). */
export const DeviceKinds = (...kinds: DeviceKind[]) => SetMetadata(DEVICE_KINDS_KEY, kinds);

type DeviceRequest = Request & { device?: DeviceIdentity };

/** The device the DeviceAuthGuard let in. */
export const CurrentDevice = createParamDecorator((_: unknown, ctx: ExecutionContext): DeviceIdentity => {
  const device = ctx.switchToHttp().getRequest<DeviceRequest>().device;
  if (!device) throw new Error('@CurrentDevice() needs @UseGuards(DeviceAuthGuard)');
  return device;
});

/**
 * Lets in requests of a paired device of the tenant in the path, by its bearer token
 * (`Authorization: Bearer …`), of the kinds named by `@DeviceKinds`. Anything else is a 401 with
 * `WWW-Authenticate: Bearer` and one message, so a caller learns nothing about why (another town's
 * token, a revoked device, a wrong kind).
 */
@Injectable()
export class DeviceAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly devices: DeviceService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const req = http.getRequest<DeviceRequest>();
    const kinds = this.reflector.getAllAndOverride<DeviceKind[] | undefined>(DEVICE_KINDS_KEY, [context.getHandler(), context.getClass()]) ?? DEVICE_KINDS;
    const device = await this.devices.authenticate(bearerToken(req.headers.authorization), kinds);
    if (device) {
      req.device = device;
      return true;
    }
    http.getResponse<Response>().setHeader('WWW-Authenticate', 'Bearer');
    throw new UnauthorizedException({ statusCode: 401, error: 'Unauthorized', message: deviceMessage(apiLocale(req), 'notPaired') });
  }
}
