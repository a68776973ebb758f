// The engines of test/deployed run under the harness's reaper, from the sources.
import { findFreePort } from '../../src/harness/free-port.js'
import { spawnService } from '../../src/harness/spawn-service.js'
import { stopSpawned } from '../../src/harness/stop-spawned.js'
import { useProcessTools } from './engines.js'

useProcessTools({ spawnService, stopSpawned, findFreePort })
