import { InitialSchema1795421919232 } from './1795421919232-initial-schema';

/** Every migration, oldest first. A new migration is a new file plus one line here; old ones never change. */
export const ALL_MIGRATIONS = [InitialSchema1795421919232];
