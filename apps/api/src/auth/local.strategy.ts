import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-local';
import { parseInput } from '../common/validation';
import { loginSchema } from './auth.schemas';
import { AuthService } from './auth.service';
import type { User } from './user.entity';

/** passport-local: e-mail + password (+ TOTP for platform roles), validated by the zod schema first. */
@Injectable()
export class LocalStrategy extends PassportStrategy(Strategy, 'local') {
  constructor(private readonly auth: AuthService) {
    super({ usernameField: 'email', passwordField: 'password', passReqToCallback: true });
  }

  async validate(req: { body: unknown; ip: string }): Promise<User> {
    const body = parseInput(loginSchema, req.body);
    return this.auth.checkCredentials(body.email, body.password, body.totp, req.ip);
  }
}
