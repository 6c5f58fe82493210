import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity('practitioners')
export class Practitioner {
  @PrimaryColumn('uuid', { name: 'tenant_id' }) tenantId!: string;
  @PrimaryColumn('uuid') id!: string;
  @Column('char') rpps!: string;
  @Column('text', { name: 'last_name' }) lastName!: string;
  @Column('text', { name: 'first_name' }) firstName!: string;
  @Column('text') profession!: string;
  @Column('date', { name: 'joined_on' }) joinedOn!: string;
  @Column('date', { name: 'left_on', nullable: true }) leftOn!: string | null;
}
