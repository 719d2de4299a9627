import { Required, SNested, SString } from '../http/senlin-validators';

export class ActionUpdate {
  @Required() @SString() status!: string;
}

export class ActionUpdateBody {
  @SNested(() => ActionUpdate, "Malformed request data, missing 'action' key in request body.") action!: ActionUpdate;
}
