import { InitialSchema1795421919232 } from './1795421919232-initial-schema';
import { PoliciesReceivers1796166480466 } from './1796166480466-policies-receivers';
import { EventAction1796253000000 } from './1796253000000-event-action';
import { Fencing1796340000000 } from './1796340000000-fencing';
import { EventTimestamp1796400000000 } from './1796400000000-event-timestamp';
import { Credential1796500000000 } from './1796500000000-credential';

/** Every migration, oldest first. A new migration is a new file plus one line here; old ones never change. */
export const ALL_MIGRATIONS = [
  InitialSchema1795421919232,
  PoliciesReceivers1796166480466,
  EventAction1796253000000,
  Fencing1796340000000,
  EventTimestamp1796400000000,
  Credential1796500000000,
];
