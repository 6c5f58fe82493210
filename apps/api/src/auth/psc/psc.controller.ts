import { Controller, HttpCode, Post } from '@nestjs/common';
import { z } from 'zod';
import { Contract, ValidBody } from '../../docs/contract';
import { tokenPairSchema } from '../auth.schemas';
import { Public } from '../decorators';
import { PscService } from './psc.service';

/** `iss` is returned by providers that implement RFC 9207 (mix-up protection) and then checked. */
const callbackSchema = z.strictObject({ code: z.string().min(1).max(2000), state: z.string().min(1).max(4000), iss: z.url().optional() });

@Public()
@Controller('auth/psc')
export class PscController {
  constructor(private readonly psc: PscService) {}

  @Post('start')
  @HttpCode(200)
  @Contract({ tag: 'Authentification', summary: 'Pro Santé Connect : URL de connexion (carte CPS / e-CPS)', response: z.object({ authorizationUrl: z.url() }) })
  start() {
    return this.psc.start();
  }

  @Post('callback')
  @HttpCode(200)
  @Contract({ tag: 'Authentification', summary: 'Pro Santé Connect : retour avec code et state, ouvre la session', body: callbackSchema, response: tokenPairSchema })
  callback(@ValidBody() body: z.infer<typeof callbackSchema>) {
    return this.psc.callback(body.code, body.state, body.iss);
  }
}
