import { useSealingKey } from '@grove/core';
import { TEST_SEALING_KEY } from './sealing-key';

// jest's setupFiles for the int tests: this process seals and opens with the test runs' key.
useSealingKey(TEST_SEALING_KEY);
