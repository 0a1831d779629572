import type { AnalysisJobEventDetail } from '@platescale/shared';

/** The detail of an `AnalysisJobSucceeded` event for `jobId`, every image segmented. */
export function succeededDetail(
  jobId: string,
  images: number,
  extra: Partial<AnalysisJobEventDetail> = {},
): AnalysisJobEventDetail {
  return {
    schemaVersion: 1,
    jobId,
    experimentId: 'AS_09125',
    status: 'SUCCEEDED',
    imagesTotal: images,
    imagesSucceeded: images,
    imagesFailed: 0,
    failures: [],
    bucket: 'platescale',
    resultsPrefix: `jobs/${jobId}/`,
    sequence: 1,
    occurredAt: new Date().toISOString(),
    ...extra,
  };
}
