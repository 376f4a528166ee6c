// Pool worker entry: registers tsx once per thread, then solves tasks with solve-task.ts.
import { register } from 'tsx/esm/api';

register();
const loaded = import('./solve-task.ts');

export default async function run(task) {
  const { solveTask } = await loaded;
  return solveTask(task);
}
