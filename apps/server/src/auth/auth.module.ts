import { Global, Module } from '@nestjs/common';
import { AuditService } from '../audit/audit.service.js';
import { AdminAuthService } from './admin-auth.service.js';
import { AdminBootstrapService } from './admin-bootstrap.service.js';
import { AdminSessionService } from './admin-session.service.js';
import { AdminUsersService } from './admin-users.service.js';
import { StaffAuthGuard } from './staff-auth.guard.js';
import { StaffSessionController } from './staff-session.controller.js';

/** Accounts, logins, sessions and the audit log; global so any plugin can use StaffAuthGuard. */
@Global()
@Module({
  controllers: [StaffSessionController],
  providers: [AuditService, AdminUsersService, AdminAuthService, AdminSessionService, AdminBootstrapService, StaffAuthGuard],
  exports: [AuditService, AdminUsersService, AdminAuthService, AdminSessionService, StaffAuthGuard],
})
export class AuthModule {}
