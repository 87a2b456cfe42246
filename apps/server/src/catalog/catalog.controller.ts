import { Controller, Get, Param } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { CatalogService } from './catalog.service.js';

@ApiTags('catalog')
@ApiParam({ name: 'slug', description: 'Municipality slug, e.g. musterstadt' })
@Controller('api/v1/tenants/:slug')
export class CatalogController {
  constructor(private readonly catalog: CatalogService) {}

  @Get('services')
  @ApiOperation({ summary: 'Services with their document checklists and the locations offering them' })
  services() {
    return this.catalog.services();
  }

  @Get('services/:id')
  @ApiOperation({ summary: 'One service' })
  service(@Param('id') id: string) {
    return this.catalog.service(id);
  }

  @Get('locations')
  @ApiOperation({ summary: 'Locations with address, directions, accessibility notes and offered services' })
  locations() {
    return this.catalog.locations();
  }

  @Get('locations/:id')
  @ApiOperation({ summary: 'One location' })
  location(@Param('id') id: string) {
    return this.catalog.location(id);
  }
}
