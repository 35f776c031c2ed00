import type { Format } from '../args';
import type { Reporter } from '../report';
import { gccReporter } from './gcc';
import { githubReporter } from './github';
import { jsonReporter } from './json';
import { sarifReporter } from './sarif';
import { textReporter } from './text';
import { markdownReporter } from './markdown';
import { gitlabReporter } from './gitlab';
import { junitReporter } from './junit';

export const REPORTERS: Record<Format, Reporter> = {
  text: textReporter,
  json: jsonReporter,
  gcc: gccReporter,
  sarif: sarifReporter,
  github: githubReporter,
  markdown: markdownReporter,
  gitlab: gitlabReporter,
  junit: junitReporter,
};
