import { Type } from '@sinclair/typebox';
import { Strict } from './common.js';

const BeaconId = Type.String({ description: 'The beacon id of the point of sale.', example: 'a7b69d37-6753-4e94-afc3-ef5dab04b7f4' });
const PhoneNumber = Type.String({ description: 'The phone number of the user.', example: '+4520031801' });

export const UserCheckInRequest = Type.Object({ beaconId: BeaconId, phoneNumber: PhoneNumber }, { ...Strict, title: 'UserCheckInRequest' });
export const AcceptPaymentRequest = Type.Object({ beaconId: BeaconId, phoneNumber: PhoneNumber }, { ...Strict, title: 'AcceptPaymentRequest' });
export const CancelPaymentByUserRequest = Type.Object({ beaconId: BeaconId }, { ...Strict, title: 'CancelPaymentByUserRequest' });
