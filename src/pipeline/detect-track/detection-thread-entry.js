// Entry of detect_track's detection thread (a worker_threads thread): the thread does not inherit the main
// thread's TypeScript loader, so it registers tsx itself, as bin/screenalytics.js does, then loads the body.
import { register } from 'tsx/esm/api';

register();
await import('./detection-thread-body.ts');
