import { AppError } from '../errors';

// Every way an exchange can be refused (an AppError with its SPEC code). None of them writes a
// receipt or counts a VEx; the pipeline tells these refusals apart from failures by this class.
export class ExchangeError extends AppError {}
