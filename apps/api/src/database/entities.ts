import { Membership } from '../auth/membership.entity';
import { RefreshToken } from '../auth/refresh-token.entity';
import { User } from '../auth/user.entity';
import { Practitioner } from '../structures/practitioner.entity';
import { Structure } from '../structures/structure.entity';

/** Every TypeORM entity. The schema itself comes from migrations only. */
export const ENTITIES = [Structure, Practitioner, User, Membership, RefreshToken];
