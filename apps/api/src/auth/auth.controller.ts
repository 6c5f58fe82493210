import { Controller, Get, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { z } from 'zod';
import { Contract, ValidBody } from '../docs/contract';
import { loginSchema, meSchema, refreshSchema, tokenPairSchema } from './auth.schemas';
import { AuthService } from './auth.service';
import { CurrentUser, Public } from './decorators';
import type { AuthenticatedUser } from './roles';
import type { User } from './user.entity';

@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Public()
  @Post('login')
  @HttpCode(200)
  @UseGuards(AuthGuard('local'))
  @Contract({ tag: 'Authentification', summary: 'Connexion (e-mail, mot de passe, code TOTP pour les rôles plateforme)', body: loginSchema, response: tokenPairSchema })
  login(@Req() req: { user: User }) {
    return this.auth.login(req.user);
  }

  @Public()
  @Post('refresh')
  @HttpCode(200)
  @Contract({ tag: 'Authentification', summary: 'Renouveler la session (jeton de rafraîchissement à usage unique)', body: refreshSchema, response: tokenPairSchema })
  refresh(@ValidBody() body: z.infer<typeof refreshSchema>) {
    return this.auth.refresh(body.refreshToken);
  }

  @Post('logout')
  @HttpCode(204)
  @Contract({ tag: 'Authentification', summary: 'Se déconnecter de cette session', body: refreshSchema, status: 204 })
  async logout(@CurrentUser() user: AuthenticatedUser, @ValidBody() body: z.infer<typeof refreshSchema>) {
    await this.auth.logout(user.id, body.refreshToken);
  }

  @Post('logout-all')
  @HttpCode(204)
  @Contract({ tag: 'Authentification', summary: 'Se déconnecter partout', status: 204 })
  async logoutAll(@CurrentUser() user: AuthenticatedUser) {
    await this.auth.logoutEverywhere(user.id);
  }

  @Get('me')
  @Contract({ tag: 'Authentification', summary: 'Utilisateur connecté, rôles et structures', response: meSchema })
  me(@CurrentUser() user: AuthenticatedUser) {
    return this.auth.confirmed(user);
  }
}
