import { Required, SMap, SName, SNested } from '../http/senlin-validators';

export class ProfileCreate {
  @Required() @SName() name!: string;
  @Required() @SMap() spec!: Record<string, unknown>;
  /** Heat sends null when its template sets none. */
  @SMap({ nullable: true }) metadata?: Record<string, unknown> | null;
}

export class ProfileCreateBody {
  @SNested(() => ProfileCreate, "Request body missing 'profile' key.") profile!: ProfileCreate;
}

export class ProfileValidate {
  @Required() @SMap() spec!: Record<string, unknown>;
}

export class ProfileValidateBody {
  @SNested(() => ProfileValidate, "Request body missing 'profile' key.") profile!: ProfileValidate;
}

/** Null is allowed, as in Senlin: a null name changes nothing, null metadata clears it. */
export class ProfileUpdate {
  @SName({ nullable: true }) name?: string | null;
  @SMap({ nullable: true }) metadata?: Record<string, unknown> | null;
}

export class ProfileUpdateBody {
  @SNested(() => ProfileUpdate, "Malformed request data, missing 'profile' key in request body.")
  profile!: ProfileUpdate;
}
