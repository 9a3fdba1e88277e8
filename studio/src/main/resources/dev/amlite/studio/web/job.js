// A job's page: its facts, metric charts and log, followed while it runs.

import * as api from './api.js';
import { lineChart } from './chart.js';
import { h, errorBox, facts, text, props, workspacePath } from './dom.js';

// --- job

export async function jobView(main, p) {
  const workspace = await api.get(workspacePath(p));
  const base = `${workspacePath(p)}/jobs/${encodeURIComponent(p.name)}`;
  const job = await api.get(base);
  const jp = props(job);
  const log = h('pre', { id: 'job-log' }, '');
  const status = h('span', { id: 'job-status' }, text(jp.status));
  const metrics = h('div', {}, await metricCharts(workspace, jp));
  const cancelling = h('span.status', {});
  const cancel = TERMINAL_JOB.includes(jp.status) ? null : h('button.danger', {
    id: 'job-cancel',
    onclick: async () => {
      cancel.disabled = true;
      cancelling.textContent = 'Cancelling…';
      try {
        await api.post(base + '/cancel');
      } catch (e) {
        cancelling.replaceChildren(errorBox(e));
        cancel.disabled = false;
      }
    },
  }, 'Cancel job');
  main.replaceChildren(h('h1', {}, job.name), h('p.row', {}, cancel, cancelling), h('section.card', {}, facts([
    ['Status', status], ['Display name', jp.displayName], ['Experiment', jp.experimentName],
    ['Compute', text(jp.computeId).split('/').pop()], ['Command', jp.command],
  ])), h('h2', {}, 'Metrics'), metrics, h('h2', {}, 'Log'), log);
  follow(main, base, workspace, jp, log, status, metrics)
    .then(() => { if (cancel) { cancel.remove(); cancelling.textContent = ''; } })
    .catch((e) => log.after(errorBox(e)));
}

/**
 * Like amlite ml job stream: reads on from where it stopped until the job has ended and the log is read out;
 * stops when the user leaves the page. The page is ready before this ends.
 */
async function follow(main, base, workspace, jp, log, status, metrics) {
  let offset = 0;
  let ended = TERMINAL_JOB.includes(jp.status);
  while (main.isConnected) {
    const chunk = await api.post(base + '/readLogs', { offset });
    if (chunk.content) {
      log.append(chunk.content);
      offset = chunk.nextOffset;
      continue;
    }
    if (chunk.status && chunk.status !== status.textContent) {
      status.textContent = chunk.status;
    }
    if (ended || TERMINAL_JOB.includes(chunk.status)) {
      if (!ended) {
        metrics.replaceChildren(await metricCharts(workspace, props(await api.get(base))));
      }
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  if (!log.textContent) {
    log.textContent = '(the job has written nothing)';
  }
  log.dataset.complete = 'true';
}

const TERMINAL_JOB = ['Completed', 'Failed', 'Canceled'];

async function metricCharts(workspace, jp) {
  const metrics = Object.keys((jp.mlflow || {}).metrics || {});
  const tracking = props(workspace).mlFlowTrackingUri;
  if (metrics.length === 0 || !tracking) {
    return h('p.empty', {}, 'The job has logged no metrics (mlflow.log_metric).');
  }
  const root = new URL(tracking).pathname;
  const figures = [];
  for (const key of metrics) {
    try {
      const history = await api.get(`${root}/api/2.0/mlflow/metrics/get-history?run_id=${encodeURIComponent(jp.mlflow.runId)}`
        + `&metric_key=${encodeURIComponent(key)}`, null);
      const points = (history.metrics || []).map((m, i) => [m.step !== undefined ? Number(m.step) : i, Number(m.value)]);
      const figure = lineChart([{ name: key, points }], { title: key, xLabel: 'step' });
      figure.dataset.metric = key;
      figures.push(figure);
    } catch (e) {
      figures.push(errorBox(e));
    }
  }
  return h('section.card', { id: 'job-metrics' }, figures);
}
