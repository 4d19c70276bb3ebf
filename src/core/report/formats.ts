// The report's forms, apart from the report code so the CLI can name them without loading it.
export const REPORT_FORMATS = ['html', 'md'] as const;
