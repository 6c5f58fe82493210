import { createSecretKey } from 'node:crypto';
import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import { AuditTrailModule } from '../audit-trail/audit-trail.module';
import { AUTH_CONFIG, authConfig } from './auth.config';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { PrincipalCache } from './principal-cache';
import { JwtAuthGuard } from './jwt-auth.guard';
import { LocalStrategy } from './local.strategy';
import { PscController } from './psc/psc.controller';
import { PscService } from './psc/psc.service';
import { TokensService } from './tokens.service';

/**
 * Two ways in, one session: local login (passport-local) and Pro Santé Connect (OIDC, auth/psc),
 * which resolves a practitioner by RPPS and then calls AuthService.login like the local path.
 */
@Module({
  imports: [
    PassportModule,
    AuditTrailModule,
    JwtModule.registerAsync({
      // A KeyObject, not a string: given a string, jsonwebtoken first tries (and fails) to parse
      // it as a public key on every verification, which cost ~0.3 ms per request here.
      useFactory: () => ({
        secret: createSecretKey(Buffer.from(authConfig().JWT_SECRET)) as unknown as string,
        signOptions: { algorithm: 'HS256' },
        verifyOptions: { algorithms: ['HS256'] },
      }),
    }),
  ],
  controllers: [AuthController, PscController],
  providers: [
    { provide: AUTH_CONFIG, useFactory: () => authConfig() },
    AuthService,
    PrincipalCache,
    TokensService,
    LocalStrategy,
    PscService,
    { provide: APP_GUARD, useClass: JwtAuthGuard },
  ],
})
export class AuthModule {}
