import { Required, SMap, SName, SNested } from '../http/senlin-validators';

export class PolicyCreate {
  @Required() @SName() name!: string;
  @Required() @SMap() spec!: Record<string, unknown>;
}

export class PolicyCreateBody {
  @SNested(() => PolicyCreate, "Request body missing 'policy' key.") policy!: PolicyCreate;
}

export class PolicyValidate {
  @Required() @SMap() spec!: Record<string, unknown>;
}

export class PolicyValidateBody {
  @SNested(() => PolicyValidate, "Request body missing 'policy' key.") policy!: PolicyValidate;
}

/** Only the name of a policy can change; its spec never does (an unknown key such as `spec` is a 400). */
export class PolicyUpdate {
  @Required() @SName() name!: string;
}

export class PolicyUpdateBody {
  @SNested(() => PolicyUpdate, "Malformed request data, missing 'policy' key in request body.")
  policy!: PolicyUpdate;
}
