import { Foundation1764000000000 } from './1764000000000-foundation';
import { AuthPrincipal1764000000001 } from './1764000000001-auth-principal';
import { Candidacies1764200000000 } from './1764200000000-candidacies';
import { ReferenceData1764200000001 } from './1764200000001-reference-data';
import { GeneratedDocuments1764200000002 } from './1764200000002-generated-documents';
import { Audits1764200000003 } from './1764200000003-audits';
import { PatientData1764100000000 } from './1764100000000-patient-data';
import { Indicators1764500000000 } from './1764500000000-indicators';
import { Statements1764300000000 } from './1764300000000-statements';
import { Safeguard1764300000001 } from './1764300000001-safeguard';
import { Regularisations1764300000002 } from './1764300000002-regularisations';
import { Simulations1764300000003 } from './1764300000003-simulations';
import { RequestPath1764700000000 } from './1764700000000-request-path';
import { ImportRetention1764800000000 } from './1764800000000-import-retention';
import { PatientLookup1764800000001 } from './1764800000001-patient-lookup';

export { OWNER_ROLE, APP_ROLE } from './roles';

/** Every migration, in order. TypeORM runs them; `synchronize` is never used. */
export const ALL_MIGRATIONS = [Foundation1764000000000, AuthPrincipal1764000000001, Candidacies1764200000000, ReferenceData1764200000001, GeneratedDocuments1764200000002, Audits1764200000003, PatientData1764100000000, Indicators1764500000000, Statements1764300000000, Safeguard1764300000001, Regularisations1764300000002, Simulations1764300000003, RequestPath1764700000000, ImportRetention1764800000000, PatientLookup1764800000001];
