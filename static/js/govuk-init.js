// Starts the GOV.UK Frontend components (error summary focus, radios, service navigation toggle...).
import { initAll } from "../govuk/govuk-frontend.min.js";

initAll();
