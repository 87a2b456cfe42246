/** Runs async jobs one at a time, in arrival order (an in-process mutex). */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<R>(job: () => Promise<R>): Promise<R> {
    const result = this.tail.then(job, job);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
