import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { StructureRole } from './roles';

@Entity('memberships')
export class Membership {
  @PrimaryColumn('uuid', { name: 'tenant_id' }) tenantId!: string;
  @PrimaryColumn('uuid') id!: string;
  @Column('uuid', { name: 'user_id' }) userId!: string;
  @Column('text') role!: StructureRole;
  @Column('uuid', { name: 'practitioner_id', nullable: true }) practitionerId!: string | null;
}
