import { ValidationError } from '@platescale/shared';

/** A plate map that cannot be stored as sent (HTTP 400); `details` lists the offending wells by kind. */
export class PlateMapValidationError extends ValidationError {
  readonly unknownWells: string[];
  readonly duplicateWells: string[];
  readonly outsideWells: string[];
  readonly invalidRows: string[];
  constructor(problems: {
    unknownWells: string[];
    duplicateWells: string[];
    outsideWells: string[];
    invalidRows: string[];
  }) {
    const parts = [
      problems.unknownWells.length > 0 ? `unknown wells: ${problems.unknownWells.join(', ')}` : '',
      problems.duplicateWells.length > 0 ? `duplicate wells: ${problems.duplicateWells.join(', ')}` : '',
      problems.outsideWells.length > 0 ? `wells outside the plate format: ${problems.outsideWells.join(', ')}` : '',
      ...problems.invalidRows,
    ].filter(Boolean);
    super(`invalid plate map: ${parts.join('; ')}`, 'plateMap', problems);
    this.unknownWells = problems.unknownWells;
    this.duplicateWells = problems.duplicateWells;
    this.outsideWells = problems.outsideWells;
    this.invalidRows = problems.invalidRows;
  }
}
