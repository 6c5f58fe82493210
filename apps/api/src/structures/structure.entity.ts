import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A participating or candidate structure (MSP, centre de santé…): the tenant itself. */
@Entity('structures')
export class Structure {
  @PrimaryColumn('uuid') id!: string;
  @Column('text') name!: string;
  @Column('text', { name: 'legal_form' }) legalForm!: string;
  @Column('char', { nullable: true }) finess!: string | null;
  @Column('char', { nullable: true }) siret!: string | null;
  @Column('text', { name: 'address_line', nullable: true }) addressLine!: string | null;
  @Column('char', { name: 'postal_code', nullable: true }) postalCode!: string | null;
  @Column('text', { nullable: true }) city!: string | null;
  /** Code commune INSEE (5 chars, Corsica 2A/2B). */
  @Column('char', { name: 'insee_code', nullable: true }) inseeCode!: string | null;
  @Column('boolean', { name: 'ipso_network' }) ipsoNetwork!: boolean;
  @Column('boolean', { name: 'mtr1_participant' }) mtr1Participant!: boolean;
  @Column('text') state!: string;
  /** Date d'entrée E fixed by the CNAM convention. */
  @Column('date', { name: 'convention_entry_date', nullable: true }) conventionEntryDate!: string | null;
  /** Taux de fuite théorique, a decimal in [0, 1). */
  @Column('numeric', { name: 'theoretical_leakage_rate', precision: 5, scale: 4 }) theoreticalLeakageRate!: string;
  @Column('timestamptz', { name: 'created_at' }) createdAt!: Date;
  @Column('timestamptz', { name: 'updated_at' }) updatedAt!: Date;
}
