// Starting the transparency log in a Signet process: its key and origin, the sequencer (when
// SP_LOG_SEQUENCER is not off) and the witness pushes.
import type { Config } from '../config';
import { logSize } from '../metrics/registry';
import { ensureLogKey } from './key';
import { latestCheckpoint } from './repository';
import { Sequencer, type SequencerOptions } from './sequencer';
import { parseWitnesses, WitnessPusher, type WitnessPusherOptions } from './witnesses';

export async function startTransparencyLog(config: Pick<Config, 'log' | 'publicUrl' | 'keyEncryptionKey'>, opts: { sequencer?: SequencerOptions; witnesses?: WitnessPusherOptions } = {}) {
  const identity = await ensureLogKey({ explicitOrigin: config.log.origin, publicUrl: config.publicUrl, encryptionKey: config.keyEncryptionKey });
  const pusher = new WitnessPusher(parseWitnesses(config.log.witnesses), opts.witnesses);
  const sequencer = new Sequencer(identity, { ...opts.sequencer, onCheckpoint: (cp) => pusher.notify(cp) });
  const last = await latestCheckpoint();
  if (last) {
    logSize.set(last.size);
    // Witnesses left behind before a restart catch up now.
    if (last.size > 0) pusher.notify(last);
  }
  if (config.log.sequencer) sequencer.start();
  return {
    identity,
    sequencer,
    async stop() {
      await sequencer.stop();
      pusher.stop();
    },
  };
}
