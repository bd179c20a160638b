import { maskText } from '../audit/mask.ts';
import type { GatewayContext } from '../gateway-context.ts';
import { operatorMessageView } from '../http/views.ts';
import { waitingFor } from '../http/waiting-for.ts';
import type { MessageRecord } from '../store/types.ts';
import type { ListedMessage } from './views/messages-page.tsx';

/** A message as the console lists it: the admin API's operator view, and whether its dossier code may be a link. */
export function listedMessage(gateway: GatewayContext, message: MessageRecord): ListedMessage {
  return {
    ...operatorMessageView(message, waitingFor(gateway, message)),
    dossierLinked: message.dossierCode !== null && maskText(message.dossierCode) === message.dossierCode,
  };
}
