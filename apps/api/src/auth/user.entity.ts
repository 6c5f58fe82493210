import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { PlatformRole } from './roles';

@Entity('users')
export class User {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('text') email!: string;
  @Column('text', { name: 'display_name' }) displayName!: string;
  @Column('text', { name: 'password_hash' }) passwordHash!: string;
  @Column('text', { name: 'platform_role', nullable: true }) platformRole!: PlatformRole | null;
  @Column('text', { name: 'totp_secret', nullable: true }) totpSecret!: string | null;
  @Column('char', { nullable: true }) rpps!: string | null;
  @Column('boolean') disabled!: boolean;
  @Column('integer', { name: 'failed_logins' }) failedLogins!: number;
  @Column('timestamptz', { name: 'locked_until', nullable: true }) lockedUntil!: Date | null;
  /** Bumped by "sign out everywhere": access tokens carrying an older version are refused. */
  @Column('integer', { name: 'token_version' }) tokenVersion!: number;
}
