import { Body, Controller, Headers, HttpCode, Param, Post, Req, type RawBodyRequest } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { SmsDeliveryReportService } from './sms-delivery-report.service.js';

/** Where the SMS gateway posts delivery reports (installation-wide: one gateway serves every town). */
@ApiTags('notifications')
@Controller('api/v1/sms/delivery-reports')
export class SmsDeliveryReportController {
  constructor(private readonly reports: SmsDeliveryReportService) {}

  @Post()
  @HttpCode(204)
  @ApiOperation({ summary: 'Delivery report of the SMS gateway, signed: HMAC-SHA256 of the body with SMS_REPORT_SECRET, hex, in SMS_REPORT_SIGNATURE_HEADER' })
  @ApiResponse({ status: 204, description: 'Recorded' })
  @ApiResponse({ status: 400, description: 'A report without a status; nothing recorded' })
  @ApiResponse({ status: 401, description: 'Missing or wrong signature' })
  @ApiResponse({ status: 404, description: 'Unknown message; nothing recorded' })
  async signed(@Req() req: RawBodyRequest<Request>, @Headers() headers: Record<string, string | undefined>, @Body() body: unknown): Promise<void> {
    this.reports.verifySignature(req.rawBody, headers[this.reports.signatureHeader]);
    await this.reports.record(body);
  }

  @Post(':token')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delivery report of a gateway that cannot sign: SMS_REPORT_SECRET as the last path segment' })
  @ApiResponse({ status: 204, description: 'Recorded' })
  @ApiResponse({ status: 400, description: 'A report without a status; nothing recorded' })
  @ApiResponse({ status: 401, description: 'Wrong secret' })
  @ApiResponse({ status: 404, description: 'Unknown message; nothing recorded' })
  async byToken(@Param('token') token: string, @Body() body: unknown): Promise<void> {
    this.reports.verifyToken(token);
    await this.reports.record(body);
  }
}
