import { randomBytes } from 'node:crypto';
import type { RegionApi } from '../http/api-context';
import { badRequest, forbidden, notFound } from '../http/api-error';
import type { InstanceAction } from '../store/cloud-events';
import { POWER, type Server, type VmState } from '../store/resources';
import type { SimulatorStore } from '../store/simulator-store';
import { checkMetadata, findFlavor, findImage, pickHost, schemaError } from './server-create';
import { beginDelete, beginTask, requireState, requireUnlocked, simulatedWaitMs } from './server-state';
import { toServerView } from './server.view';

type Json = Record<string, unknown>;

/** What an action answers: its status and, for some, a body. */
export interface ActionReply {
  status: number;
  body?: unknown;
}

interface ActionContext {
  store: SimulatorStore;
  api: RegionApi;
  server: Server;
  args: unknown;
  now: number;
  /** How long the transitional state lasts (action_time_ms). */
  ms: number;
}

const newPassword = () => randomBytes(9).toString('base64url').slice(0, 12);
const arg = (args: unknown): Json =>
  typeof args === 'object' && args !== null && !Array.isArray(args) ? (args as Json) : {};

/** The vm_state a server goes back to after a task that does not change it. */
const running = { vmState: 'active' as VmState, powerState: POWER.RUNNING };

/**
 * `POST /servers/{id}/action`: each action checks the server's state as Nova's compute API does
 * (409 conflictingRequest otherwise), shows its transitional status for action_time_ms, and
 * lands in its final state.
 */
const ACTIONS: Record<string, (c: ActionContext) => ActionReply> = {
  reboot({ server: s, args, now, ms, api }) {
    const type = arg(args).type;
    if (type === undefined) throw schemaError('reboot', args, "'type' is a required property");
    if (type !== 'SOFT' && type !== 'HARD')
      throw schemaError('type', type, "is not one of ['HARD', 'Hard', 'hard', 'SOFT', 'Soft', 'soft']");
    requireUnlocked(s, api.caller.isAdmin);
    if (type === 'SOFT') {
      requireState('reboot', s, ['active']);
      beginTask(s, 'rebooting', now, ms, running);
    } else {
      requireState('reboot', s, ['active', 'stopped', 'paused', 'suspended', 'error'], {
        anyTask: [
          'rebooting',
          'reboot_pending',
          'reboot_started',
          'resuming',
          'pausing',
          'unpausing',
          'suspending',
        ].includes(s.taskState ?? ''),
      });
      beginTask(s, 'rebooting_hard', now, ms, running);
    }
    return { status: 202 };
  },

  rebuild({ store, server: s, args, now, api }) {
    const a = arg(args);
    if (a.imageRef === undefined) throw schemaError('rebuild', args, "'imageRef' is a required property");
    requireUnlocked(s, api.caller.isAdmin);
    requireState('rebuild', s, ['active', 'stopped', 'error']);
    const imageId = findImage(api.region, a.imageRef, api.caller.project.id, 'Cannot find image for rebuild');
    const metadata = a.metadata === undefined ? null : checkMetadata(a.metadata);
    if (a.name !== undefined && (typeof a.name !== 'string' || a.name.trim() === '' || a.name.length > 255))
      throw schemaError('name', a.name, 'is not a valid name');
    const adminPass = typeof a.adminPass === 'string' && a.adminPass ? a.adminPass : newPassword();
    if (typeof a.name === 'string') s.name = a.name;
    if (metadata) s.metadata = metadata;
    s.imageId = imageId;
    const to = s.vmState === 'stopped' ? { vmState: 'stopped' as VmState, powerState: POWER.SHUTDOWN } : running;
    beginTask(s, 'rebuilding', now, simulatedWaitMs(s.metadata, store.knobs.action_time_ms), to);
    return { status: 202, body: { server: { ...toServerView(api, s), adminPass } } };
  },

  resize({ server: s, args, now, ms, api }) {
    const a = arg(args);
    if (a.flavorRef === undefined) throw schemaError('resize', args, "'flavorRef' is a required property");
    requireUnlocked(s, api.caller.isAdmin);
    requireState('resize', s, ['active', 'stopped']);
    const flavor = findFlavor(api.region, a.flavorRef);
    if (flavor.id === s.flavorId) throw badRequest('When resizing, instances must change flavor!');
    const wasStopped = s.vmState === 'stopped';
    beginTask(s, 'resize_prep', now, ms, {
      vmState: 'resized',
      powerState: wasStopped ? POWER.SHUTDOWN : POWER.RUNNING,
      apply: (done) => {
        done.oldFlavorId = done.flavorId;
        done.flavorId = flavor.id;
      },
    });
    return { status: 202 };
  },

  confirmResize({ server: s, now, ms, api }) {
    requireUnlocked(s, api.caller.isAdmin);
    requireState('confirmResize', s, ['resized']);
    // Nova marks only the migration (confirming), not the server: it stays VERIFY_RESIZE with no
    // task_state until the compute host is done, and a second confirm finds no finished migration.
    if (s.pending) throw badRequest('Instance has not been resized.');
    const stopped = s.powerState === POWER.SHUTDOWN;
    beginTask(s, null, now, ms, {
      vmState: stopped ? 'stopped' : 'active',
      powerState: s.powerState,
      apply: (done) => {
        done.oldFlavorId = null;
      },
    });
    return { status: 204 };
  },

  revertResize({ server: s, now, ms, api }) {
    requireUnlocked(s, api.caller.isAdmin);
    requireState('revertResize', s, ['resized']);
    const stopped = s.powerState === POWER.SHUTDOWN;
    beginTask(s, 'resize_reverting', now, ms, {
      vmState: stopped ? 'stopped' : 'active',
      powerState: s.powerState,
      apply: (done) => {
        if (done.oldFlavorId) done.flavorId = done.oldFlavorId;
        done.oldFlavorId = null;
      },
    });
    return { status: 202 };
  },

  'os-start'({ server: s, now, ms, api }) {
    requireUnlocked(s, api.caller.isAdmin);
    requireState('start', s, ['stopped']);
    beginTask(s, 'powering-on', now, ms, running);
    return { status: 202 };
  },

  'os-stop'({ server: s, now, ms, api }) {
    requireUnlocked(s, api.caller.isAdmin);
    requireState('stop', s, ['active', 'error']);
    beginTask(s, 'powering-off', now, ms, { vmState: 'stopped', powerState: POWER.SHUTDOWN });
    return { status: 202 };
  },

  pause({ server: s, now, ms, api }) {
    requireUnlocked(s, api.caller.isAdmin);
    requireState('pause', s, ['active']);
    beginTask(s, 'pausing', now, ms, { vmState: 'paused', powerState: POWER.PAUSED });
    return { status: 202 };
  },

  unpause({ server: s, now, ms, api }) {
    requireUnlocked(s, api.caller.isAdmin);
    requireState('unpause', s, ['paused']);
    beginTask(s, 'unpausing', now, ms, running);
    return { status: 202 };
  },

  suspend({ server: s, now, ms, api }) {
    requireUnlocked(s, api.caller.isAdmin);
    requireState('suspend', s, ['active']);
    beginTask(s, 'suspending', now, ms, { vmState: 'suspended', powerState: POWER.SUSPENDED });
    return { status: 202 };
  },

  resume({ server: s, now, ms, api }) {
    requireUnlocked(s, api.caller.isAdmin);
    requireState('resume', s, ['suspended']);
    beginTask(s, 'resuming', now, ms, running);
    return { status: 202 };
  },

  lock({ server: s, args, now }) {
    const reason = arg(args).locked_reason;
    s.locked = true;
    s.lockedReason = typeof reason === 'string' ? reason : null;
    s.updated = now;
    return { status: 202 };
  },

  unlock({ server: s, now }) {
    s.locked = false;
    s.lockedReason = null;
    s.updated = now;
    return { status: 202 };
  },

  rescue({ server: s, args, now, ms, api }) {
    requireUnlocked(s, api.caller.isAdmin);
    requireState('rescue', s, ['active', 'stopped', 'error']);
    const a = arg(args);
    if (a.rescue_image_ref !== undefined) findImage(api.region, a.rescue_image_ref, api.caller.project.id);
    const adminPass = typeof a.adminPass === 'string' && a.adminPass ? a.adminPass : newPassword();
    beginTask(s, 'rescuing', now, ms, { vmState: 'rescued', powerState: POWER.RUNNING });
    return { status: 200, body: { adminPass } };
  },

  unrescue({ server: s, now, ms, api }) {
    requireUnlocked(s, api.caller.isAdmin);
    requireState('unrescue', s, ['rescued']);
    beginTask(s, 'unrescuing', now, ms, running);
    return { status: 202 };
  },

  changePassword({ server: s, args, now, ms, api }) {
    const pass = arg(args).adminPass;
    if (typeof pass !== 'string') throw schemaError('changePassword', args, "'adminPass' is a required property");
    requireUnlocked(s, api.caller.isAdmin);
    requireState('changePassword', s, ['active']);
    beginTask(s, 'updating_password', now, ms, running);
    return { status: 202 };
  },

  /** Rebuilds the server elsewhere; Nova allows it only when the server's compute host is down. */
  evacuate({ store, server: s, args, now, ms, api }) {
    if (!api.caller.isAdmin) throw forbidden("Policy doesn't allow os_compute_api:os-evacuate to be performed.");
    requireState('evacuate', s, ['active', 'stopped', 'error']);
    const a = arg(args);
    const current = s.host ? api.region.hypervisors.get(s.host) : undefined;
    if (current && current.state === 'up') throw badRequest(`Compute service of ${current.hostname} is still in use.`);
    let target;
    if (typeof a.host === 'string') {
      target = api.region.hypervisors.get(a.host);
      if (!target) throw notFound(`Compute host ${a.host} could not be found.`);
      if (target.hostname === s.host) throw badRequest("The target host can't be the same one.");
      if (target.state !== 'up' || target.status !== 'enabled')
        throw badRequest(`Compute service of ${target.hostname} is unavailable at this time.`);
    } else {
      target =
        pickHost(api.region, s.zone || null, s.host ?? undefined) ?? pickHost(api.region, null, s.host ?? undefined);
      if (!target) throw badRequest('No valid host was found. There are not enough hosts available.');
    }
    const adminPass = typeof a.adminPass === 'string' && a.adminPass ? a.adminPass : newPassword();
    const host = target.hostname;
    const to = s.vmState === 'stopped' ? { vmState: 'stopped' as VmState, powerState: POWER.SHUTDOWN } : running;
    beginTask(s, 'rebuilding', now, simulatedWaitMs(s.metadata, Math.max(ms, store.knobs.action_time_ms)), {
      ...to,
      apply: (done) => {
        api.region.moveServer(done, host);
        done.zone = target.zone;
        for (const sp of done.ports) {
          const port = api.region.ports.get(sp.portId);
          if (port) port.hostId = host;
        }
      },
    });
    return { status: 200, body: { adminPass } };
  },

  forceDelete({ store, server: s, now, api }) {
    requireUnlocked(s, api.caller.isAdmin);
    requireState('forceDelete', s, null);
    beginDelete(s, now, simulatedWaitMs(s.metadata, store.knobs.delete_time_ms), api.caller);
    return { status: 202 };
  },
};

/** The actions whose end Nova announces with `instance.<action>.end`, by their name there. */
const ANNOUNCED: Partial<Record<string, InstanceAction>> = {
  reboot: 'reboot',
  rebuild: 'rebuild',
  'os-stop': 'power_off',
  'os-start': 'power_on',
  pause: 'pause',
  unpause: 'unpause',
  suspend: 'suspend',
  resume: 'resume',
};

export function runServerAction(store: SimulatorStore, api: RegionApi, server: Server, body: unknown): ActionReply {
  if (typeof body !== 'object' || body === null || Array.isArray(body) || Object.keys(body).length === 0) {
    throw badRequest('Malformed request body');
  }
  const name = Object.keys(body).find((k) => k in ACTIONS);
  if (!name) throw badRequest(`There is no such action: ${Object.keys(body)[0]}`);
  const reply = ACTIONS[name]({
    store,
    api,
    server,
    args: (body as Json)[name],
    now: Date.now(),
    ms: store.knobs.action_time_ms,
  });
  const announced = ANNOUNCED[name];
  if (announced && server.pending) Object.assign(server.pending, { action: announced, requestedBy: api.caller });
  return reply;
}
